// libFuzzer target: the prompt parser, for every digit count. Any input either parses or throws
// ctformer::prompt_error naming a position inside the input; nothing else may happen. A prompt that
// parses must be the canonical text of its operands, and the network must answer it correctly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <ctformer/ctformer.hpp>

namespace {
template <std::size_t D>
void one(std::string_view text) {
    using ctformer::prompt_error;
    ctformer::prompt_tokens<D> p;
    try {
        p = ctformer::parse_prompt<D>(text);
    } catch (prompt_error const& e) {
        if (e.position() > text.size()) std::abort();  // the error must point into the input (or at its end)
        return;
    }
    // It parsed: the text is DDDD+DDDD= and make_prompt of its operands gives the same tokens.
    std::uint64_t a = 0, b = 0;
    for (std::size_t i = 0; i < D; ++i) {
        a = a * 10 + p.ids[i];
        b = b * 10 + p.ids[D + 1 + i];
    }
    if (ctformer::make_prompt<D>(a, b).ids != p.ids) std::abort();
    if (D <= 3 && !ctformer::adds_correctly<ctformer::adder<D>>(a, b)) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    one<1>(text);
    one<2>(text);
    one<3>(text);
    one<4>(text);
    one<5>(text);
    one<6>(text);
    one<7>(text);
    one<8>(text);
    return 0;
}
