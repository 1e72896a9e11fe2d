# a long name is abbreviated in messages: its first 30 characters, "...", its last 10
args: -e "L = 1 wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww_end"
status: 2
--- stdout
--- stderr
<expr>:1:7: error: unexpected name 'wwwwwwwwwwwwwwwwwwwwwwwwwwwwww...wwwwww_end', expected end of line or ';'
    L = 1 wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww_end
          ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
