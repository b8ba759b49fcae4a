# The tools' code as static libraries, so that the programs' main()s (tools/main/) and the
# fuzzers (tests/fuzz) link the same code:
#   <prefix>json      tools/json.cpp, tools/io.cpp: the tools' JSON (nlohmann-json), files and exit status
#   <prefix>ctformer  ctformer_main() (tools/mains.hpp): the dispatcher, tools/commands/, pictures
#   <prefix>check     ctformer_check_main(): tools/ctformer_check.cpp, tools/check/, the report
# ctformer_tool_libraries(PREFIX p [OPTIONS compile and link options...]) defines them; tools/
# uses the prefix ctformer_tools_, the fuzzers their own with the sanitizers' options.
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Threads REQUIRED)

function(ctformer_tool_libraries)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "PREFIX" "OPTIONS")
    set(dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
    set(json ${arg_PREFIX}json)
    set(tool ${arg_PREFIX}ctformer)
    set(check ${arg_PREFIX}check)
    add_library(${json} STATIC ${dir}/json.cpp ${dir}/io.cpp)
    target_link_libraries(${json} PUBLIC nlohmann_json::nlohmann_json)
    add_library(${tool} STATIC
        ${dir}/ctformer.cpp
        ${dir}/commands/common.cpp
        ${dir}/commands/add.cpp
        ${dir}/commands/trace.cpp
        ${dir}/commands/export.cpp
        ${dir}/commands/plot.cpp
        ${dir}/commands/explain.cpp
        ${dir}/commands/bounds.cpp
        ${dir}/commands/prove.cpp
        ${dir}/registers.cpp
        ${dir}/trace.cpp
        ${dir}/plot.cpp
        ${dir}/explain.cpp
        ${dir}/picture.cpp)
    target_include_directories(${tool} SYSTEM PRIVATE ${CTFORMER_STB_INCLUDE_DIR})
    # `ctformer` runs one prompt (or one proof) per call, in milliseconds at any optimisation level,
    # and instantiates the network for every digit count: in a Release build, -O1 builds it in about
    # 60% of -O3's time. The checker's library keeps the build type's level: its speed is the main job's.
    target_compile_options(${tool} PRIVATE $<$<CONFIG:Release>:-O1>)
    target_link_libraries(${tool} PUBLIC ${json} CLI11::CLI11 fmt::fmt PRIVATE ZLIB::ZLIB)
    add_library(${check} STATIC
        ${dir}/ctformer_check.cpp
        ${dir}/check/options.cpp
        ${dir}/check/sweep.cpp
        ${dir}/check/resume.cpp
        ${dir}/check/merge.cpp
        ${dir}/check/print.cpp
        ${dir}/check/verify.cpp
        ${dir}/report.cpp)
    target_link_libraries(${check} PUBLIC ${json} CLI11::CLI11 fmt::fmt Threads::Threads)
    foreach(lib ${json} ${tool} ${check})
        target_include_directories(${lib} PUBLIC ${dir})
        target_link_libraries(${lib} PUBLIC ctformer::ctformer PRIVATE ctformer_warnings)
        target_compile_options(${lib} PRIVATE ${arg_OPTIONS})
    endforeach()
endfunction()
