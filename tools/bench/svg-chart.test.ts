import { describe, expect, it } from 'vitest';
import { escapeXml, lineChart, niceScale } from './svg-chart.js';

/** A strict little well-formedness check: balanced tags, quoted attributes, no raw & or < in text. */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  let root = 0;
  while ((m = re.exec(xml))) {
    if (m[6]) throw new Error(`stray '<' at ${m.index}: ${xml.slice(m.index, m.index + 40)}`);
    if (m[5] !== undefined) {
      const text = m[5];
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) throw new Error(`unescaped & in text: ${text}`);
      if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${text}`);
      continue;
    }
    const [, close, name, attrs, selfClose] = m;
    for (const a of attrs!.matchAll(/="([^"]*)"/g)) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(a[1]!)) throw new Error(`unescaped & in attribute: ${a[1]}`);
    }
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else if (!selfClose) {
      if (stack.length === 0) root++;
      stack.push(name!);
    } else if (stack.length === 0) root++;
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(', ')}`);
  if (root !== 1) throw new Error(`expected one root element, got ${root}`);
}

describe('lineChart', () => {
  const spec = {
    title: 'smsmesh <all> & friends: throughput and p99',
    xLabel: 'seconds',
    left: {
      label: 'messages/s',
      series: [
        { name: 'accepted/s', color: '#1f77b4', points: Array.from({ length: 30 }, (_, i) => [i + 1, 1000 + (i % 3)] as const) },
        { name: 'persisted/s', color: '#2ca02c', points: Array.from({ length: 30 }, (_, i) => [i + 1, 990] as const), dashed: true },
      ],
    },
    right: { label: 'p99 ms', series: [{ name: 'p99 "accept"', color: '#d62728', points: [[1, 3], [2, 70]] as const }], threshold: { value: 50, label: 'p99 limit 50 ms' } },
    markers: [{ x: 15, label: '2000/s' }],
  };

  it('produces well-formed SVG with every series, the legend and escaped text', () => {
    const svg = lineChart(spec);
    assertWellFormed(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(3);
    expect(svg).toContain('smsmesh &lt;all&gt; &amp; friends');
    expect(svg).toContain('p99 &quot;accept&quot; (right)');
    expect(svg).toContain('stroke-dasharray="5 3"');
    expect(svg).toContain('2000/s');
  });

  it('copes with empty series and a single point', () => {
    assertWellFormed(lineChart({ title: 'empty', xLabel: 'x', left: { label: 'y', series: [] } }));
    assertWellFormed(lineChart({ title: 'one', xLabel: 'x', left: { label: 'y', series: [{ name: 'a', color: 'red', points: [[0, 0]] }] } }));
  });

  it('has a checker that catches broken markup', () => {
    expect(() => assertWellFormed('<svg><g></svg>')).toThrow();
    expect(() => assertWellFormed('<svg><text>a & b</text></svg>')).toThrow();
  });
});

describe('helpers', () => {
  it('escapes XML', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });

  it('picks nice scales', () => {
    expect(niceScale(937)).toEqual({ max: 1000, step: 200 });
    expect(niceScale(50)).toEqual({ max: 50, step: 10 });
    expect(niceScale(0)).toEqual({ max: 1, step: 0.2 });
    expect(niceScale(12_400)).toEqual({ max: 12_500, step: 2500 });
  });
});
