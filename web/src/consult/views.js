// The consultation views, loaded when first opened (consult.js): the
// before/after comparison and the presentation view, with their strings.
import '../i18n-consult.js';
import { CompareView } from './compare.js';
import { Presentation } from './present.js';

export function makeViews(ctx) {
  const compare = new CompareView(ctx);
  return { compare, present: new Presentation(ctx, compare) };
}
