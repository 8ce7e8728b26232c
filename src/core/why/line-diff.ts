/** A line diff (longest common subsequence; Dockerfiles are short) for `kiln why`. */

export interface LineChange {
  /** `-` a line of the earlier text, `+` a line of the current one */
  op: "-" | "+";
  /** 1-based line number in its text */
  line: number;
  text: string;
}

export function lineDiff(before: string, after: string): LineChange[] {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  if (a.length * b.length > 4_000_000) return wholesale(a, b);
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: LineChange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push({ op: "-", line: i + 1, text: a[i] });
      i++;
    } else {
      out.push({ op: "+", line: j + 1, text: b[j] });
      j++;
    }
  }
  return out;
}

function wholesale(a: string[], b: string[]): LineChange[] {
  return [
    ...a.map((text, i) => ({ op: "-" as const, line: i + 1, text })),
    ...b.map((text, i) => ({ op: "+" as const, line: i + 1, text })),
  ];
}
