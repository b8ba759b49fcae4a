// The ctformer-check program: tools/ctformer_check.cpp.
#include "mains.hpp"

int main(int argc, char** argv) { return ctformer_check_main(argc, argv); }
