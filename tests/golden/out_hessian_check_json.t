# --json labels the Hessian d2f/dx2
args: examples/hessian/quadratic.nd --hessian --check A --json
status: 1
--- stdout
{
  "lines": [
    {"name": "d2f/dx2", "line": 1, "verdict": "not equivalent", "kind": "missing-term", "reason": "missing the term `A'`: the Hessian is the answer plus it", "positions": [], "fix": "(A) + (A')"}
  ],
  "correct": 0,
  "total": 1,
  "carried_forward": 0,
  "first_wrong": "d2f/dx2"
}
--- stderr
