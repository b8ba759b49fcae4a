// The ctformer program: tools/ctformer.cpp.
#include "mains.hpp"

int main(int argc, char** argv) { return ctformer_main(argc, argv); }
