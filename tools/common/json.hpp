// tools/common/json.hpp — the tools' JSON, with nlohmann-json. Objects keep their members in the order
// they are written (ordered_json). Every document the tools write goes through dump(); the one
// they read back (a ctformer-check report) through parse().
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace ctformer::tools {

using json = nlohmann::ordered_json;

/// A JSON text that is not what its reader expects: malformed, or a field missing or of another type.
struct json_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A number as JSON: an integer when v is a whole number below 2^53 (500, not 500.0), else the
/// double, written in the shortest form that reads back to the same double (exact for every
/// Q31.32 value the tools write: 32 fractional bits fit a double's 53).
json number(double v);

/// The document as text, with a newline at the end: a container no higher than `flat_height` (a
/// scalar has height 0, a container one more than its highest member) on one line, every other
/// one with a member per line, indented by two spaces. Text that is not UTF-8 is written with
/// U+FFFD in place of the bad bytes.
std::string dump(json const& j, int flat_height = 1);

/// The deepest nesting parse() accepts.
inline constexpr int max_json_depth = 64;

/// The JSON value of `text`; throws json_error saying where and why it is malformed (or holds a NUL
/// byte, a number out of range, or nests deeper than max_json_depth), in at most 240 characters.
json parse(std::string const& text);

}  // namespace ctformer::tools
