// libFuzzer target: the tools' argument handling, through the functions the programs' main()s call
// (tools/main/mains.hpp, linked from the tools' libraries). The input is split at newlines into arguments;
// its first byte picks the tool. Whatever the arguments, a tool must return 0 (it did its job) or
// 2 (bad usage, with a message) — never crash, hang, report a wrong answer (1, except a proof of
// more digits than the network supports), an incomplete check (3) or a failure (4). ctformer-check always gets --digits 1 --threads 1 first, and the options that would
// start a long run or touch files (--digits, --threads, --sample, --merge, --resume) are dropped,
// so every run is short; ctformer's output paths (-o, --output: plot and explain write files) are
// dropped too, so those commands stop at the missing option.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "main/mains.hpp"  // tools/: ctformer_main, ctformer_check_main

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0 || size > 512) return 0;
    bool const check = (data[0] & 1) != 0;
    std::vector<std::string> args{check ? "ctformer-check" : "ctformer"};
    if (check) args.insert(args.end(), {"--digits", "1", "--threads", "1"});
    std::string current;
    auto flush = [&] {
        std::string_view const a = current;
        bool const dropped = check && (a.starts_with("--digits") || a.starts_with("-d") || a.starts_with("--threads") ||
                                       a.starts_with("-j") || a.starts_with("--sample") || a.starts_with("--merge") ||
                                       a.starts_with("--resume") || a.starts_with("--seed-set"));
        bool const writes = !check && (a.starts_with("-o") || a.starts_with("--output"));
        if (!dropped && !writes && args.size() < 16) args.push_back(current);
        current.clear();
    };
    for (std::size_t i = 1; i < size; ++i) {
        if (data[i] == '\n')
            flush();
        else
            current += static_cast<char>(data[i]);
    }
    flush();
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int const argc = static_cast<int>(args.size());
    int const rc = check ? ctformer_check_main(argc, argv.data()) : ctformer_main(argc, argv.data());
    // `ctformer prove --digits D` takes D up to 20 to show the proof failing beyond 16: exit 1 there.
    bool const proving = !check && args.size() > 1 && args[1] == "prove";
    if (rc != 0 && rc != 2 && !(proving && rc == 1)) std::abort();
    return 0;
}
