# Passes when BROKEN fails to compile with a diagnostic matching EXPECT and INTACT compiles.
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${INTACT}
                RESULT_VARIABLE intact_result OUTPUT_VARIABLE intact_out ERROR_VARIABLE intact_out)
if(NOT intact_result EQUAL 0)
    message(FATAL_ERROR "the intact twin ${INTACT} does not compile, so the test proves nothing:\n${intact_out}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${BROKEN}
                RESULT_VARIABLE broken_result OUTPUT_VARIABLE broken_out ERROR_VARIABLE broken_out)
if(broken_result EQUAL 0)
    message(FATAL_ERROR "${BROKEN} compiled: the proof did not catch the broken weight")
endif()
if(NOT broken_out MATCHES "${EXPECT}")
    message(FATAL_ERROR "${BROKEN} failed to compile, but not with the expected diagnostic (${EXPECT}):\n${broken_out}")
endif()
message(STATUS "${BROKEN} was rejected as it must be (${EXPECT})")
