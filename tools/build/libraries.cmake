# The tools' code as static libraries, so that the programs' main()s (tools/main/) and the
# fuzzers (tests/fuzz) link the same code:
#   <prefix>json      tools/common/json.cpp, tools/common/io.cpp, tools/check/report.cpp: the tools' JSON (nlohmann-json), files,
#                     exit status, and ctformer-check's report as JSON
#   <prefix>ctformer  ctformer_main() (tools/main/mains.hpp): the dispatcher, tools/commands/, pictures,
#                     and per program what the commands run (tools/programs/run_*.cpp) and its
#                     proofs at run time (tools/programs/proofs_*.cpp)
#   <prefix>check     ctformer_check_main(): tools/check/ctformer_check.cpp, tools/check/, the report,
#                     and per program the checker's walk (tools/check/walk_*.cpp)
# ctformer_tool_libraries(PREFIX p [OPTIONS compile options...] [NETWORK_OPTIONS options...]) defines
# them; tools/ uses the prefix ctformer_tools_ (with libFuzzer's coverage when the fuzzers are built,
# tests/fuzz). NETWORK_OPTIONS are added to the per-digit-count and walk units only (what runs the network).
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Threads REQUIRED)

function(ctformer_tool_libraries)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "PREFIX" "OPTIONS;NETWORK_OPTIONS")
    get_filename_component(dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR} DIRECTORY)  # tools/
    set(json ${arg_PREFIX}json)
    set(tool ${arg_PREFIX}ctformer)
    set(check ${arg_PREFIX}check)
    # What `ctformer` runs takes the digit count at run time (tools/common/digits.hpp checks it): one
    # unit per program (tools/programs/run_*.cpp), and one per program for its bounds analysis and
    # all-input proof (tools/programs/proofs_*.cpp), and one per program for a network read from a
    # file, --weights (tools/programs/file_*.cpp).
    set(ctformer_program_units ${dir}/programs/run_add.cpp ${dir}/programs/run_sub.cpp ${dir}/programs/run_mul.cpp
                             ${dir}/programs/proofs_add.cpp ${dir}/programs/proofs_sub.cpp ${dir}/programs/proofs_mul.cpp
                             ${dir}/programs/file_add.cpp ${dir}/programs/file_sub.cpp ${dir}/programs/file_mul.cpp)
    # The checker's walk, one unit per program, each for every digit count (the count is given at
    # run time: tools/check/pairs.hpp).
    set(check_walk_units ${dir}/check/walk_add.cpp ${dir}/check/walk_sub.cpp ${dir}/check/walk_mul.cpp)
    add_library(${json} STATIC ${dir}/common/json.cpp ${dir}/common/io.cpp ${dir}/check/report.cpp)
    target_link_libraries(${json} PUBLIC nlohmann_json::nlohmann_json)
    add_library(${tool} STATIC
        ${dir}/commands/ctformer.cpp
        ${dir}/commands/common.cpp
        ${dir}/commands/add.cpp
        ${dir}/commands/run.cpp
        ${dir}/commands/trace.cpp
        ${dir}/commands/export.cpp
        ${dir}/commands/plot.cpp
        ${dir}/commands/explain.cpp
        ${dir}/commands/bounds.cpp
        ${dir}/commands/prove.cpp
        ${dir}/page/registers.cpp
        ${dir}/page/trace.cpp
        ${dir}/page/plot.cpp
        ${dir}/page/explain.cpp
        ${dir}/page/narrate.cpp
        ${dir}/page/dataflow.cpp
        ${dir}/page/picture.cpp
        ${dir}/programs/programs.cpp
        ${dir}/programs/file_check.cpp
        ${ctformer_program_units})
    target_include_directories(${tool} SYSTEM PRIVATE ${CTFORMER_STB_INCLUDE_DIR})
    # `ctformer` runs one prompt (or one proof) per call, in milliseconds at any optimisation level,
    # and instantiates the network for every digit count: in a Release build, -O1 builds it in about
    # 60% of -O3's time. The checker's library keeps the build type's level: its speed is the main job's.
    target_compile_options(${tool} PRIVATE $<$<CONFIG:Release>:-O1>)
    # the budget: `prove` has the compiler build the all-input proof's tables (digit_free_keys takes
    # clang++ past its default 1,048,576 steps since the embedding is the network's own tables)
    target_link_libraries(${tool} PUBLIC ${json} CLI11::CLI11 fmt::fmt PRIVATE ZLIB::ZLIB ctformer_proof_budget)
    add_library(${check} STATIC
        ${dir}/check/ctformer_check.cpp
        ${dir}/check/options.cpp
        ${dir}/check/cli.cpp
        ${dir}/check/sweep.cpp
        ${dir}/check/resume.cpp
        ${dir}/check/merge.cpp
        ${dir}/check/print.cpp
        ${dir}/check/verify.cpp
        ${dir}/check/programs.cpp
        ${dir}/check/records.cpp
        ${check_walk_units})
    # the budget: with clang++, compiling multiplication's 900-unit table (model/multiplication.hpp)
    # takes more than clang's default 2^20 constant-evaluation steps
    # ctformer-check --weights runs `ctformer`'s programs on a network read from a file (programs/file_check.cpp)
    target_link_libraries(${check} PUBLIC ${json} ${tool} CLI11::CLI11 fmt::fmt Threads::Threads PRIVATE ctformer_proof_budget)
    if(arg_NETWORK_OPTIONS)
        set_source_files_properties(${ctformer_program_units} ${check_walk_units} PROPERTIES COMPILE_OPTIONS "${arg_NETWORK_OPTIONS}")
    endif()
    foreach(lib ${json} ${tool} ${check})
        target_include_directories(${lib} PUBLIC ${dir})
        target_link_libraries(${lib} PUBLIC ctformer::ctformer PRIVATE ctformer_warnings)
        target_compile_options(${lib} PRIVATE ${arg_OPTIONS})
    endforeach()
endfunction()
