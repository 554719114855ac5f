"""Prints the PTX embedded in `gpu.binary` ops (format=isa) for FileCheck.

For each binary: a line `// BINARY <name>`, the decoded PTX, and, when ptxas
is given (--ptxas PATH --arch sm_XX), a line
`// PTXAS <name> rc=<rc> registers=<n> spill_stores=<bytes> spill_loads=<bytes>`.
"""
import argparse
import re
import subprocess
import sys
import tempfile

parser = argparse.ArgumentParser()
parser.add_argument("input")
parser.add_argument("--ptxas")
parser.add_argument("--arch", default="sm_80")
args = parser.parse_args()

text = open(args.input).read() if args.input != "-" else sys.stdin.read()
binaries = re.findall(r'gpu\.binary @(\w+).*?assembly = "(.*?)"', text, re.S)
if not binaries:
    sys.exit("extract_ptx.py: no gpu.binary with an assembly found")
for name, escaped in binaries:
    ptx = re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), escaped)
    print(f"// BINARY {name}")
    print(ptx)
    if args.ptxas:
        with tempfile.NamedTemporaryFile("w", suffix=".ptx") as f:
            f.write(ptx)
            f.flush()
            r = subprocess.run([args.ptxas, "-arch=" + args.arch, "-v", f.name,
                                "-o", "/dev/null"], capture_output=True, text=True)
        log = r.stdout + r.stderr
        regs = re.search(r"Used (\d+) registers", log)
        spills = re.search(r"(\d+) bytes spill stores, (\d+) bytes spill loads", log)
        print(f"// PTXAS {name} rc={r.returncode} "
              f"registers={regs.group(1) if regs else '?'} "
              f"spill_stores={spills.group(1) if spills else '?'} "
              f"spill_loads={spills.group(2) if spills else '?'}")
        if r.returncode:
            print(log)
