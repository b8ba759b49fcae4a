// The two tools' main functions, renamed, so that fuzz_args can call them as functions.
#define main ctformer_tool_main
#include "../../tools/ctformer.cpp"
#undef main
