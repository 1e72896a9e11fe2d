# cg_helpers.awk: src/cg_helpers.c.in as C strings, one per helper:
#   CG_HELPER(name, needs, "text")
# needs: CGH_BIT(other) | ... for the helpers it calls, or 0 (see the
# header of cg_helpers.c.in).
function flush(   t, k) {
    if (name == "")
        return
    while (n > 0 && lines[n] == "")
        n--
    printf "CG_HELPER(%s, %s,\n", name, needs
    for (k = 1; k <= n; k++) {
        t = lines[k]
        gsub(/\\/, "\\\\", t)
        gsub(/"/, "\\\"", t)
        printf "    \"%s\\n\"%s\n", t, k < n ? "" : ")"
    }
}
BEGIN { print "/* Generated from src/cg_helpers.c.in by src/cg_helpers.awk; do not edit. */" }
/^\/\/@ / {
    flush()
    name = $2; needs = "0"; n = 0
    for (i = 4; i <= NF; i++)
        needs = (needs == "0" ? "" : needs " | ") "CGH_BIT(" $i ")"
    next
}
name != "" { lines[++n] = $0 }
END { flush() }
