// Communities as a residents' meeting reads them: by name, never by id. A
// community without a name is "未命名社区", said with what it came from where
// that is known (a part split off 宁井社区 is "未命名社区（原宁井社区的一部分）");
// a removed one keeps the name it had in the plan as loaded.
import { t } from '../i18n.js';

let cached = { text: null, names: new Map() };

/** id → name of the communities in a plan file (text or bytes); read once per plan. */
function namesIn(text) {
  if (!text) return new Map();
  if (cached.text === text) return cached.names;
  const names = new Map();
  try {
    const plan = JSON.parse(typeof text === 'string' ? text : new TextDecoder().decode(text));
    for (const f of plan.features ?? []) {
      const p = f?.properties;
      if (p?.layer === 'community' && p.id != null && typeof p.name === 'string' && p.name.trim()) names.set(String(p.id), p.name.trim());
    }
  } catch { /* an unreadable baseline: no names from it */ }
  cached = { text, names };
  return names;
}

/** `name(id)` for the plan `ctx` shows now, its baseline (the plan as loaded) for those gone. */
export function publicNames(ctx) {
  const { state } = ctx;
  const before = () => namesIn(ctx._baseline?.text);
  const own = (id) => state.communities.get(id)?.name?.trim() || '';
  return (id) => {
    const name = own(id);
    if (name) return name;
    const was = before().get(id);
    if (!state.communities.has(id)) return was || t('consult_unnamed');
    // Split parts get the id of the community they came from and "-2", "-3" …
    const base = /^(.+)-\d+$/.exec(id)?.[1];
    const from = base ? own(base) || before().get(base) : '';
    if (from) return t('consult_unnamed_part', { name: from });
    if (was) return t('consult_unnamed_was', { name: was });
    const unnamed = state.order.filter((x) => state.communities.has(x) && !own(x));
    return unnamed.length > 1 ? t('consult_unnamed_n', { n: unnamed.indexOf(id) + 1 }) : t('consult_unnamed');
  };
}
