// tools/common/digits.hpp — the digit counts the tools take (1 to ctformer::max_digits, 16) and, for a
// run-time count D, what the tools do with a program of D digits.
//
// Each program's code is compiled once, in a unit of its own (tools/programs/run_*.cpp), on its model
// with the digit count given at run time (ctformer::any_digits), and reached through a table of
// function pointers: the commands never instantiate a model themselves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <ctformer/ctformer.hpp>

namespace ctformer::tools {

inline constexpr std::size_t min_digits = 1, max_digits = ctformer::max_digits;

/// Throws std::invalid_argument unless min_digits ≤ d ≤ max_digits.
inline void require_digits(std::size_t d) {
    if (d < min_digits || d > max_digits)
        throw std::invalid_argument("--digits must be between 1 and " + std::to_string(max_digits) + ", got " + std::to_string(d));
}

/// The digit count a prompt is written for: D when its length is 2D+2 for some D in [1, 16] (for a
/// multiplication by a digit, DDDD*D=, the digits before the '*'), else the seed's 4 (so that the parser reports a
/// malformed prompt against the usual shape). A prompt shaped like one of more digits than the tools
/// take is an error that says so.
inline std::size_t digits_of_prompt(std::string const& prompt) {
    if (auto const star = prompt.find('*'); star != std::string::npos && star >= 1) {
        if (star <= max_digits) return star;
        throw std::invalid_argument("the prompt's first operand has " + std::to_string(star) + " digits; the tools take 1 to " +
                                    std::to_string(max_digits));
    }
    if (prompt.size() % 2 == 0 && prompt.size() >= 2 * min_digits + 2) {
        std::size_t const d = (prompt.size() - 2) / 2;
        if (d <= max_digits) return d;
        if ((prompt[d] == '+' || prompt[d] == '-') && prompt.back() == '=')
            throw std::invalid_argument("the prompt's operands have " + std::to_string(d) + " digits; the tools take 1 to " +
                                        std::to_string(max_digits));
    }
    return 4;
}

struct trace_result;
struct plot_set;

/// What the `ctformer` command does with a D-digit program. Generation, the trace, the pictures and
/// the export run the program's model with the digit count given at run time (one instantiation per
/// program: tools/programs/run_*.cpp); its proofs are in program_proofs, below.
struct program_ops {
    std::string_view program = "add";  ///< the program's name (model/program.hpp)
    std::string_view carry_name = "carry";  ///< what its top answer digit is called
    std::string_view noun = "addition";  ///< what one of its prompts is called
    std::size_t digits = 0;
    std::size_t answer_length = 0;  ///< D + 1 digits and '\n'
    std::size_t second_digits = 0;  ///< the second operand's digits: D, or 1 (prompt_shape)
    /// The program's entries, each taking the digit count.
    struct entries {
        generation<max_rows> (*generate)(std::size_t digits, std::string_view prompt, std::size_t count) = nullptr;
        trace_result (*trace)(std::size_t digits, std::string_view prompt, std::size_t count) = nullptr;
        plot_set (*plots)(std::size_t digits, std::string_view prompt) = nullptr;
        std::string (*export_json)(std::size_t digits) = nullptr;
        std::string (*prompt)(std::size_t digits, std::uint64_t a, std::uint64_t b) = nullptr;  ///< a's and b's prompt, as text
        std::string (*expected)(std::size_t digits, std::uint64_t a, std::uint64_t b) = nullptr;  ///< the answer P::answer gives
    };
    entries const* run = nullptr;

    // (tools/programs/programs.cpp)
    /// Greedy generation of at most `count` tokens after the prompt (ctformer::generate).
    generation<max_rows> generate(std::string_view prompt, std::size_t count) const;
    /// The last row's registers after every layer, for each generated token (tools/page/trace.hpp).
    trace_result trace(std::string_view prompt, std::size_t count) const;
    /// Every picture for the prompt, and each step decoded (tools/page/plot.hpp).
    plot_set plots(std::string_view prompt) const;
    /// The network, with the program order for D digits, as JSON (tools/commands/export.hpp).
    std::string export_json() const;
};

/// The operations for d digits; throws std::invalid_argument outside [1, 16].
program_ops const& adder_for(std::size_t d);

/// The programs the tools run, by name: "add", "sub", "mul".
inline constexpr std::string_view program_names[] = {"add", "sub", "mul"};

/// The program a prompt is written for: the one whose operation is its first character that is
/// not a digit ('+' add, '-' sub, '*' mul), else add (so that the parser reports a malformed prompt against
/// the adder's shape).
std::string_view program_of_prompt(std::string const& prompt);

/// The operations of program `name` for d digits; throws std::invalid_argument for an unknown
/// program (naming the known ones) or a digit count outside [1, 16].
program_ops const& program_for(std::string_view name, std::size_t d);

/// program_for, on the network read from `weights` (`--weights FILE`, tools/common/weights_file.hpp:
/// run on the reference forward pass, not proven) where it is not empty; throws input_error for a
/// file that cannot be read or is not a network of that program.
program_ops const& program_for(std::string_view name, std::size_t d, std::string const& weights);

/// A program's proofs at run time, each for a digit count given at run time, each printing its
/// result and returning whether it holds: the bounds analysis's table (tools/commands/bounds.hpp)
/// and the all-input proof (tools/commands/prove.hpp). One unit per program (tools/programs/proofs_*.cpp).
struct program_proofs {
    bool (*bounds)(std::size_t digits) = nullptr;
    bool (*prove)(std::size_t digits, bool json) = nullptr;
};

/// Program `name`'s proofs; throws std::invalid_argument for an unknown program (naming the known ones).
program_proofs const& proofs_for(std::string_view name);

}  // namespace ctformer::tools
