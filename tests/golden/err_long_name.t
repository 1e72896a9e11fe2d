# a long name is abbreviated in messages: its first 30 characters, "...", its last 10
args: -e "L = 1 wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww_end"
status: 2
--- stdout
--- stderr
<expr>:1:7: error: unexpected name 'wwwwwwwwwwwwwwwwwwwwwwwwwwwwww...wwwwww_end' after the number '1': nnderive writes a product with '*' (1*wwwwwwwwwwwwwwwwwwwwwwwwwwwwww...wwwwww_end)
    L = 1 wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww_end
          ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
