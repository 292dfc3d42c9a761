#!/usr/bin/env python3
"""Bash completion (completions/kehoach): sourced by bash, alone and after
bash-completion's own script (when installed), it completes the commands,
each command's options and the files a command takes; every long option of
`kehoach --help` is in it. Prints "PASS name" / "FAIL name: why" lines.
"""
import os, re, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from khtest import ROOT, KEHOACH, check, exit_status  # noqa: E402

COMPLETION = os.path.join(ROOT, "completions", "kehoach")
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"

# t LINE completes at the end of LINE, its words split as readline splits
# them (blanks, and '=' a word of its own: COMP_WORDBREAKS), and prints
# one line: the candidates separated by tabs.
HARNESS = r'''
[ -n "$WITH_BC" ] && . "$WITH_BC"
. "$COMPLETION"
t() {
    local line=$1 w ws
    COMP_LINE=$line COMP_POINT=${#line} COMP_WORDS=()
    read -ra ws <<<"$line"
    for w in "${ws[@]}"; do
        while [[ $w == *=* ]]; do
            [ -n "${w%%=*}" ] && COMP_WORDS+=("${w%%=*}")
            COMP_WORDS+=("="); w=${w#*=}
        done
        [ -n "$w" ] && COMP_WORDS+=("$w")
    done
    [[ $line == *' ' ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
    _kehoach kehoach "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    local IFS=$'\t'; echo "${COMPREPLY[*]}"
}
while IFS= read -r line; do t "$line"; done
'''

CASES = [  # line, expected candidates (a set), name
    ("kehoach re", {"render"}, "kehoach re → render"),
    ("kehoach ", {"render", "validate", "new"}, "the three commands"),
    ("kehoach --v", {"--version"}, "kehoach --v → --version"),
    ("kehoach render --p", {"--pdfa"}, "kehoach render --p → --pdfa"),
    ("kehoach render --d", {"--directory=", "--dump-layout"}, "render --d → --directory=, --dump-layout"),
    ("kehoach render ", {"a.md", "ke hoach.md", "sub/"}, "render PLAN: .md files and folders"),
    ("kehoach render k", {"ke hoach.md"}, "render PLAN: a file name with a space"),
    ("kehoach render a.md ", {"a.md", "ke hoach.md", "sub/"}, "render PLAN...: after a plan, more plans"),
    ("kehoach render -o ", {"out.pdf", "sub/"}, "render -o: .pdf files and folders"),
    ("kehoach render -d ", {"sub"}, "render -d: folders only"),
    ("kehoach validate ", {"a.md", "ke hoach.md", "t.yaml", "sub/"}, "validate FILE: plans and templates"),
    ("kehoach validate --f", {"--format="}, "validate --f → --format="),
    ("kehoach validate --format=", {"gcc", "json", "github"}, "validate --format= → the three formats"),
    ("kehoach validate --format=g", {"gcc", "github"}, "validate --format=g → gcc, github"),
    ("kehoach validate --s", {"--strict"}, "validate --s → --strict"),
    ("kehoach new --type ", {"ke-hoach"}, "new --type → ke-hoach"),
    ("kehoach new --type=k", {"ke-hoach"}, "new --type=k → ke-hoach"),
    ("kehoach new ", {"a.md", "ke hoach.md", "sub/"}, "new FILE: .md files"),
    ("kehoach render --watch sub/", {"sub/x.md"}, "render PLAN in a folder"),
]


def complete(tmp, with_bc):
    env = dict(os.environ, COMPLETION=COMPLETION, WITH_BC=BASH_COMPLETION if with_bc else "")
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", HARNESS],
                       input="\n".join(c[0] for c in CASES) + "\n", capture_output=True,
                       text=True, cwd=tmp, env=env, timeout=60)
    lines = r.stdout.split("\n")
    return [set(filter(None, lines[i].split("\t"))) if i < len(lines) else None
            for i in range(len(CASES))], r.stderr


def main():
    check(subprocess.run(["bash", "-n", COMPLETION]).returncode == 0, "completion: bash -n (syntax)")
    with tempfile.TemporaryDirectory() as tmp:
        for f in ("a.md", "ke hoach.md", "t.yaml", "out.pdf", "notes.txt", "sub/x.md", "sub/y.txt"):
            os.makedirs(os.path.dirname(os.path.join(tmp, f)), exist_ok=True)
            open(os.path.join(tmp, f), "w").close()
        modes = [("bash alone", False)]
        if os.path.exists(BASH_COMPLETION):
            modes.append(("with bash-completion", True))
        else:
            print("SKIP completion with bash-completion: %s is not installed" % BASH_COMPLETION)
        for mode, with_bc in modes:
            got, err = complete(tmp, with_bc)
            for (line, want, name), g in zip(CASES, got):
                check(g == want, "completion (%s): %s" % (mode, name),
                      "%r gave %r, want %r %s" % (line, g, want, err[-300:]))
    # every long option kehoach --help names is offered
    text = open(COMPLETION, encoding="utf-8").read()
    r = subprocess.run([KEHOACH, "--help"], capture_output=True, text=True,
                       env=dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE=""))
    opts = sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", r.stdout)))
    missing = [o for o in opts if not re.search(re.escape(o) + r"(?![a-z-])", text)]
    check(r.returncode == 0 and len(opts) >= 10 and not missing,
          "completion: every option of kehoach --help (%d)" % len(opts), "missing: %s" % missing)
    cmds = re.findall(r"kehoach (\w+) \[", r.stdout)
    check(set(cmds) <= {"render", "validate", "new"} and len(cmds) >= 2 and
          "render | validate | new" in text, "completion: the commands of kehoach --help", cmds)
    # installed by make install
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run(["make", "-s", "install", "PREFIX=/usr", "DESTDIR=" + tmp], cwd=ROOT,
                           capture_output=True, text=True)
        f = os.path.join(tmp, "usr/share/bash-completion/completions/kehoach")
        check(r.returncode == 0 and os.path.exists(f) and open(f).read() == text,
              "completion: make install puts it in share/bash-completion/completions",
              r.stderr[-300:])
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
