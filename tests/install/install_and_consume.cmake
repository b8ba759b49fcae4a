# Installs the build tree into a scratch prefix and builds tests/install/consumer against it with
# find_package(ctformer), with the build tree's compiler (the gcc and clang presets each run it): the
# consumer's own static_asserts (one addition; every 4-digit addition through ctformer::proof_budget;
# one addition in a unit precompiled through ctformer::precompiled) and its run must pass.
# -DBUILD_DIR= -DSOURCE_DIR= -DWORK= -DCXX=
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK}/prefix RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cmake --install failed: ${err}")
endif()
foreach(f include/ctformer/ctformer.hpp include/ctformer/core.hpp include/ctformer/precompiled.hpp lib/cmake/ctformer/ctformerConfig.cmake)
    if(NOT EXISTS ${WORK}/prefix/${f})
        message(FATAL_ERROR "the installed tree lacks ${f}")
    endif()
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer -B ${WORK}/consumer
                        -DCMAKE_PREFIX_PATH=${WORK}/prefix -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "configuring the consumer failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/consumer RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "building the consumer failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${WORK}/consumer/consumer RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "47\\+38=580\n")
    message(FATAL_ERROR "the consumer ran with exit ${rc}: ${out}")
endif()
file(GLOB_RECURSE pch ${WORK}/consumer/*cmake_pch.hxx.gch ${WORK}/consumer/*cmake_pch.hxx.pch)
if(NOT pch)
    message(FATAL_ERROR "the target that links ctformer::precompiled built no precompiled header")
endif()
message(STATUS "installed ctformer found and used by a consumer: ${out}")
