// Colours and path styles. Status colours are from Paul Tol's colour-blind-safe
// "bright" scheme; status is never shown by colour alone (the panel adds a symbol).
export const STATUS = {
  ok: '#4477AA',
  warning: '#CCBB44',
  error: '#EE6677',
};
export const STATUS_SYMBOL = { ok: '✓', warning: '!', error: '✕' };

export function communityStyle(status, { selected = false, neighbour = false, dragging = false } = {}) {
  const c = STATUS[status] ?? STATUS.ok;
  return {
    color: selected ? '#0b1a2b' : '#2b2f36',
    weight: selected ? 5 : neighbour ? 2.5 : 1.75,
    opacity: 0.95,
    fillColor: c,
    fillOpacity: selected ? 0.55 : dragging ? 0.36 : 0.28,
    lineJoin: 'round',
  };
}

export const compoundStyle = {
  color: '#5b5247', weight: 1, opacity: 0.9, fillColor: '#fffdf8', fillOpacity: 0.55,
};
export const compoundMovingStyle = {
  color: '#AA3377', weight: 3, opacity: 1, fillColor: '#AA3377', fillOpacity: 0.55,
};
export const gridStyle = {
  color: '#228833', weight: 1.25, opacity: 0.85, dashArray: '4 4', fill: true, fillOpacity: 0, fillColor: '#228833',
};
export const gridCutStyle = { ...gridStyle, color: '#AA3377', weight: 2.5, dashArray: '6 3' };

export const barrierStyles = {
  road: [{ color: '#b9b2a6', weight: 7, opacity: 1 }, { color: '#ffffff', weight: 4.5, opacity: 1 }],
  lane: [{ color: '#c9c2b6', weight: 4, opacity: 1 }, { color: '#fbfaf7', weight: 2.25, opacity: 1 }],
  river: [{ color: '#7fb2d9', weight: 8, opacity: 0.9 }],
};

export const streetStyle = { color: '#333', weight: 3, opacity: 0.8, dashArray: '10 6 2 6', fill: false };
export const highlightStyle = { color: '#AA3377', weight: 5, opacity: 1, fillColor: '#AA3377', fillOpacity: 0.2 };
export const drawStyle = { color: '#111', weight: 3, dashArray: '6 6', opacity: 1 };
