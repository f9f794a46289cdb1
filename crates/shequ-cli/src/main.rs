fn main() {
    eprintln!("shequ: not built yet");
    std::process::exit(2);
}
