# a block's node in the graph names its place
args: examples/differences.nd --dot
status: 0
--- stdout
digraph nnderive {
    graph [fontname="Helvetica", label="L: forward", labelloc=t];
    node [fontname="Helvetica", fontsize=11];
    edge [fontname="Helvetica", fontsize=9];
    n0 [label="x\n6 x 1", shape=box, style=filled, fillcolor="#cfe2f3"];
    n3 [label="block at (2, 1)\n5 x 1"];
    n0 -> n3 [label="1"];
    k3_1 [label="1", shape=plaintext];
    k3_1 -> n3 [label="2"];
    k3_2 [label="0", shape=plaintext];
    k3_2 -> n3 [label="3"];
    n4 [label="block at (1, 1)\n5 x 1"];
    n0 -> n4 [label="1"];
    k4_1 [label="0", shape=plaintext];
    k4_1 -> n4 [label="2"];
    k4_2 [label="0", shape=plaintext];
    k4_2 -> n4 [label="3"];
    n6 [label="*\n5 x 1"];
    k6_0 [label="-1", shape=plaintext];
    k6_0 -> n6 [label="1"];
    n4 -> n6 [label="2"];
    n7 [label="d = +\n5 x 1", style=filled, fillcolor="#fff2cc"];
    n3 -> n7;
    n6 -> n7;
    n9 [label="norm2"];
    n7 -> n9;
    n10 [label="*"];
    k10_0 [label="0.5", shape=plaintext];
    k10_0 -> n10 [label="1"];
    n9 -> n10 [label="2"];
    n12 [label="block at (6, 1)"];
    n0 -> n12 [label="1"];
    k12_1 [label="5", shape=plaintext];
    k12_1 -> n12 [label="2"];
    k12_2 [label="0", shape=plaintext];
    k12_2 -> n12 [label="3"];
    n13 [label="L = +", style=filled, fillcolor="#fff2cc", peripheries=2];
    n12 -> n13;
    n10 -> n13;
}
--- stderr
