# --dot --hessian: the graph of the Hessian's blocks
args: examples/hessian/quadratic.nd --hessian --dot
status: 0
--- stdout
digraph nnderive {
    graph [fontname="Helvetica", label="f: Hessian", labelloc=t];
    node [fontname="Helvetica", fontsize=11];
    edge [fontname="Helvetica", fontsize=9];
    n0 [label="A\nn x n", shape=box];
    n7 [label="transpose\nn x n"];
    n0 -> n7;
    n11 [label="+\nn x n"];
    n7 -> n11;
    n0 -> n11;
    h0 [label="d2f/dx2\nn x n", shape=box, style=filled, fillcolor="#d9ead3", peripheries=2];
    n11 -> h0;
}
--- stderr
