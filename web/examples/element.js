// A portal page using the <shequ-planner> custom element: attributes in, events out.
import '../src/element.js';

const planner = document.getElementById('planner');
const summary = document.getElementById('summary');
const count = document.getElementById('changes');
let changes = 0;

planner.addEventListener('shequ-change', (e) => {
  count.textContent = String(++changes);
  const t = e.detail.totals;
  if (t) summary.textContent = `${t.communities} 个社区，${t.households_total.toLocaleString('zh-CN')} 户；${t.in_band} 个社区户数在标准区间内（${e.detail.reason}）`;
});

const langButtons = { zh: document.getElementById('lang-zh'), en: document.getElementById('lang-en') };
for (const [lang, b] of Object.entries(langButtons)) {
  b.addEventListener('click', () => {
    planner.setAttribute('lang', lang);
    for (const [l, x] of Object.entries(langButtons)) x.setAttribute('aria-pressed', String(l === lang));
  });
}

const edit = document.getElementById('toggle-edit');
edit.addEventListener('click', () => {
  const on = edit.getAttribute('aria-pressed') !== 'true';
  planner.setAttribute('editable', String(on));
  edit.setAttribute('aria-pressed', String(on));
});
