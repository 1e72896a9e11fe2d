# the same as JSON
args: examples/two_layer_swish.nd --check-file examples/homework/two_layer_steps.txt --json
status: 1
--- stdout
{
  "lines": [
    {"name": "dL/dz2", "line": 3, "verdict": "equivalent"},
    {"name": "dL/dW2", "line": 4, "verdict": "equivalent"},
    {"name": "dL/db2", "line": 5, "verdict": "equivalent"},
    {"name": "dL/dh1", "line": 6, "verdict": "not equivalent", "kind": "shape", "reason": "shape mismatch in '*' at 6:12: W2 is C x H, dL/dz2 is C x 1 (inner dimensions H and C differ); did you mean `W2'` in place of `W2` at 6:10? With it the answer is right", "positions": [{"file": "examples/homework/two_layer_steps.txt", "line": 6, "column": 12}, {"file": "examples/homework/two_layer_steps.txt", "line": 6, "column": 10, "text": "W2"}], "fix": "W2'*dL/dz2"},
    {"name": "dL/dz1", "line": 7, "verdict": "right given earlier lines", "kind": "carried-forward", "reason": "right given your dL/dh1, which is wrong"},
    {"name": "dL/dW1", "line": 8, "verdict": "right given earlier lines", "kind": "carried-forward", "reason": "right given your dL/dz1, which is wrong"},
    {"name": "dL/db1", "line": 9, "verdict": "right given earlier lines", "kind": "carried-forward", "reason": "right given your dL/dz1, which is wrong"}
  ],
  "correct": 3,
  "total": 7,
  "carried_forward": 3,
  "first_wrong": "dL/dh1"
}
--- stderr
