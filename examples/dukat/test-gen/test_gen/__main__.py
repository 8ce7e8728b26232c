"""python -m test_gen SOURCE... --out DIR: writes DIR/test_<module>.py for each module."""

import argparse
import sys
from pathlib import Path
from typing import Iterable, List

from .generator import generate_tests, summarize_module


def _modules(sources: Iterable[str]) -> List[Path]:
    found: List[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*.py")) if not p.name.startswith(("_", "test_")))
        elif path.suffix == ".py":
            found.append(path)
        else:
            raise SystemExit(f"test-gen: not a Python module or folder: {source}")
    return found


def main(argv: "List[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(prog="test-gen", description=__doc__)
    parser.add_argument("sources", nargs="+", help="Python files or folders")
    parser.add_argument("--out", default="generated", help="folder for the test files (default: generated)")
    parser.add_argument("--force", action="store_true", help="overwrite test files that exist")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for module in _modules(args.sources):
        summary = summarize_module(module.read_text(encoding="utf-8"), module.stem)
        target = out / f"test_{module.stem}.py"
        if target.exists() and not args.force:
            print(f"skip {target} (exists; --force overwrites)")
            continue
        target.write_text(generate_tests(summary), encoding="utf-8")
        count = len(summary.functions) + sum(len(c.methods) for c in summary.classes)
        print(f"wrote {target} ({count} tests)")
        written += 1
    return 0 if written or not args.force else 1


if __name__ == "__main__":
    sys.exit(main())
