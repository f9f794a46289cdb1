// A portal page embedding the component: it mounts it into its own layout and
// reads the plan's totals through the public API to show them outside it.
import { mount } from '../src/component.js';

const summary = document.getElementById('portal-summary');
const app = mount(document.getElementById('shequ'), {
  planUrl: '../demo.geojson',
  autosaveKey: 'portal-example',
  title: '示例街道',
});

app.on('change', () => {
  const r = app.getReport();
  if (!r) return;
  const t = r.totals;
  summary.textContent = `${t.communities} 个社区，${t.households_total.toLocaleString('zh-CN')} 户；` +
    `${t.in_band} 个社区户数在标准区间内；${t.errors} 项错误、${t.warnings} 项提示`;
});
