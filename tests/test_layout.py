"""Golden layout: every tests/layout/NAME.md renders to exactly the
positioned text in NAME.dump (`kehoach render --dump-layout`). A change
that moves a word on any page fails here; when the move is intended,
`make golden` writes the new dumps, and the diff is reviewed in the commit.
The four sample plans are symbolic links to plans/, so they are pinned as
they stand."""
import difflib
import glob
import os
import sys

from khtest import KEHOACH, ROOT, check, exit_status, run


def main():
    cases = sorted(glob.glob(os.path.join(ROOT, "tests", "layout", "*.md")))
    check(len(cases) >= 6, "layout: golden cases present", "found %d" % len(cases))
    for md in cases:
        name = os.path.basename(md)[:-3]
        r = run([KEHOACH, "render", "--dump-layout", md])
        got = r.stdout.decode("utf-8", "replace").splitlines()
        try:
            with open(md[:-3] + ".dump", encoding="utf-8") as f:
                want = f.read().splitlines()
        except OSError as e:
            check(False, "layout %s" % name, str(e))
            continue
        diff = list(difflib.unified_diff(want, got, "golden", "now", n=1, lineterm=""))
        check(r.returncode == 0 and not diff, "layout %s: pinned" % name,
              "exit %d\n%s" % (r.returncode, "\n".join(diff[:20])))


if __name__ == "__main__":
    main()
    sys.exit(exit_status())
