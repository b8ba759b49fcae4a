// ctformer-check's main function, renamed, so that fuzz_args can call it as a function.
#define main ctformer_check_main
#include "../../tools/ctformer_check.cpp"
#undef main
