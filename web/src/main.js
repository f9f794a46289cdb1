// The full app page: the component mounted full-screen, starting with the demo
// district when nothing was autosaved. `window.shequ` is the component's API
// (for the console and the browser tests).
import { mount } from './component.js';

window.shequ = mount(document.getElementById('app'), {
  planUrl: 'demo.geojson',
  keyboardScope: 'document',
});
