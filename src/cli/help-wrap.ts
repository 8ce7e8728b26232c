/**
 * Help text wrapping that never leaves the end of a phrase alone on a line (#12.10). commander
 * fills each line greedily, so "…(with inline" / "cache)" happens whenever a description is a
 * little wider than its column. Here each paragraph keeps the greedy number of lines but its
 * words are spread evenly over them: the narrowest width that still needs no extra line.
 */

function greedy(words: string[], width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of words) {
    if (current === "") current = word;
    else if (current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  lines.push(current);
  return lines;
}

export function balancedWrap(text: string, width: number, minWidthToWrap = 40): string {
  if (width < minWidthToWrap) return text;
  return text
    .split(/\r?\n/)
    .map((paragraph) => {
      const indent = /^\s*/.exec(paragraph)?.[0] ?? "";
      const words = paragraph.trim().split(/\s+/).filter(Boolean);
      if (words.length === 0) return "";
      const avail = Math.max(1, width - indent.length);
      const lines = greedy(words, avail);
      if (lines.length === 1) return `${indent}${lines[0] ?? ""}`;
      let best = lines;
      for (let w = avail - 1; w > 0; w--) {
        const tried = greedy(words, w);
        if (tried.length > lines.length || tried.some((l) => l.length > w)) break;
        best = tried;
      }
      return best.map((l) => `${indent}${l}`).join("\n");
    })
    .join("\n");
}
