# `ctformer trace --json` is valid JSON with one entry per generated token and one per layer, and
# its decoded registers say what the table says: after the last copy step of row 9, final holds 0,
# and the answer ends with the end token.
execute_process(COMMAND ${CTFORMER} trace 0999+0111= --json RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ctformer trace --json exited ${rc}: ${err}")
endif()
string(JSON n_tokens LENGTH "${out}" tokens)
if(NOT n_tokens EQUAL 6)  # 5 digits and the end token
    message(FATAL_ERROR "expected 6 traced tokens, got ${n_tokens}")
endif()
string(JSON n_layers LENGTH "${out}" tokens 0 layers)
if(NOT n_layers EQUAL 44)  # 4 prologue layers + 8 body layers × 4 + 8 epilogue layers
    message(FATAL_ERROR "expected 44 layers per token, got ${n_layers}")
endif()
string(JSON final GET "${out}" tokens 0 layers 43 registers final)
string(JSON produced GET "${out}" tokens 0 produced)
string(JSON attended GET "${out}" tokens 0 layers 7 attention)
if(NOT final STREQUAL "0" OR NOT produced STREQUAL "0" OR NOT attended STREQUAL "row 8 '1'")
    message(FATAL_ERROR "row 9: final '${final}', produced '${produced}', read_right attended '${attended}'")
endif()
string(JSON produced GET "${out}" tokens 3 produced)
if(NOT produced STREQUAL "1")
    message(FATAL_ERROR "the fourth generated token is '${produced}', expected '1' (0999+0111=01110)")
endif()
string(JSON produced GET "${out}" tokens 5 produced)
if(NOT produced STREQUAL "\n")
    message(FATAL_ERROR "the sixth generated token is '${produced}', expected the end token")
endif()
