// tools/common/weights_file.hpp — `--weights FILE`: a network read at run time from the JSON that
// `ctformer export --json` writes, edited by hand, for trace, explain and add (docs/tools.md).
//
// The file gives every weight of program P's network: the embedding's two tables, every distinct
// layer's dense matrices and vectors, the unembedding. Its structure must be P's (the same
// vocabulary, width, registers, layers in the same order with the same names, kinds and shapes):
// what may change is any value, zero or not. Every value must be a finite number in the Q31.32
// range (|v| < 2^31); it is taken as the nearest Q31.32 number. A file that is not so is refused
// with an input_error naming the file, the field (a JSON pointer: /layers/8/w1/23/45) and what is
// wrong: exit status 2.
//
// Such a network runs on the reference forward pass (runtime/reference.hpp: every row through
// every dense layer, the same fixed-point arithmetic as the compiled pass, which the tests check
// bit for bit against it on the built-in networks). Nothing about it is proven: the proofs are of
// the built-in networks, at compile time.
#pragma once

#include <cmath>
#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>

#include <fmt/core.h>

#include <ctformer/ctformer.hpp>

#include "common/io.hpp"
#include "common/json.hpp"
#include "page/registers.hpp"

namespace ctformer::tools {

/// Program P's network as read from a file: a model whose dense network is a run-time object
/// (set by load_weights<P>), run on the reference forward pass.
template <program P>
struct file_model {
    using build = typename P::build;
    static constexpr bool from_file = true;
    static inline std::remove_cvref_t<decltype(dense_of<build>)> dense = dense_of<build>;
    static inline std::string path;  ///< the file it was read from
};

/// A model whose weights come from a file (file_model).
template <class Model>
concept weights_from_file = requires { Model::from_file; };

namespace detail {

/// Reads the file's JSON at `pointer` (a JSON pointer), throwing input_error naming both.
class weights_reader {
public:
    weights_reader(std::string path, json doc) : path_(std::move(path)), doc_(std::move(doc)) {}

    [[noreturn]] void fail(std::string const& pointer, std::string const& what) const {
        throw input_error(fmt::format("--weights {}: {}: {}", path_, pointer.empty() ? "/" : pointer, what));
    }
    json const& at(std::string const& pointer) const {
        json::json_pointer const p(pointer);
        if (!doc_.contains(p)) fail(pointer, "missing");
        return doc_.at(p);
    }
    /// The value at `pointer` as Q31.32: a finite number with |v| < 2^31.
    fixed value(std::string const& pointer) const {
        json const& v = at(pointer);
        if (!v.is_number()) fail(pointer, "not a number");
        double const d = v.get<double>();
        if (!std::isfinite(d)) fail(pointer, "not a finite number");
        if (!(std::fabs(d) < 2147483648.0)) fail(pointer, fmt::format("{} is outside the Q31.32 range (|v| < 2^31)", d));
        return fixed::from_double(d);
    }
    /// An array of `n` entries at `pointer`.
    void require_array(std::string const& pointer, std::size_t n) const {
        json const& a = at(pointer);
        if (!a.is_array()) fail(pointer, "not an array");
        if (a.size() != n) fail(pointer, fmt::format("{} entries where the network has {}", a.size(), n));
    }
    template <std::size_t R, std::size_t C>
    void read(std::string const& pointer, matrix<R, C>& m) const {
        require_array(pointer, R);
        for (std::size_t r = 0; r < R; ++r) {
            std::string const row = fmt::format("{}/{}", pointer, r);
            require_array(row, C);
            for (std::size_t c = 0; c < C; ++c) m.set(r, c, value(fmt::format("{}/{}", row, c)));
        }
    }
    template <std::size_t N>
    void read(std::string const& pointer, row_vector<N>& v) const {
        require_array(pointer, N);
        for (std::size_t i = 0; i < N; ++i) v[i] = value(fmt::format("{}/{}", pointer, i));
    }
    /// A table of rows (the embedding's).
    template <std::size_t R, std::size_t N>
    void read(std::string const& pointer, std::array<row_vector<N>, R>& rows) const {
        require_array(pointer, R);
        for (std::size_t r = 0; r < R; ++r) read(fmt::format("{}/{}", pointer, r), rows[r]);
    }
    /// The string at `pointer` must be `want` (a part of the structure that may not change).
    void require(std::string const& pointer, std::string_view want) const {
        json const& v = at(pointer);
        if (!v.is_string() || v.get<std::string>() != want)
            fail(pointer, fmt::format("must be {} (the network's structure is fixed; only values may change)", json(std::string(want)).dump()));
    }
    template <class Number>
    void require_number(std::string const& pointer, Number want) const {
        json const& v = at(pointer);
        if (!v.is_number_integer() || v.get<long long>() != static_cast<long long>(want))
            fail(pointer, fmt::format("must be {} (the network's structure is fixed; only values may change)", want));
    }

private:
    std::string path_;
    json doc_;
};

}  // namespace detail

/// Reads `path` into file_model<P>::dense; throws input_error (exit status 2) for a file that cannot
/// be read, is not JSON, or is not a network of P's structure with values in range.
template <program P>
void load_weights(std::string const& path) {
    using M = file_model<P>;
    json doc;
    try {
        doc = parse(read_file_bounded(path, "--weights"));
    } catch (json_error const& e) {
        throw input_error(fmt::format("--weights {}: not JSON: {}", path, e.what()));
    }
    detail::weights_reader const in(path, std::move(doc));
    auto const owned = std::make_unique<std::remove_cvref_t<decltype(dense_of<typename M::build>)>>(dense_of<typename M::build>);
    auto& net = *owned;  // the structure (on the heap: megabytes); every value is the file's
    constexpr std::size_t W = std::remove_cvref_t<decltype(net.layout)>::width;
    in.require("/format", "ctformer network");
    in.require("/vocabulary", P::vocabulary);
    in.require_number("/d_model", W);
    auto const regs = registers_of(net.layout);
    in.require_array("/registers", regs.size());
    for (std::size_t i = 0; i < regs.size(); ++i) {
        in.require(fmt::format("/registers/{}/name", i), regs[i].name);
        in.require_number(fmt::format("/registers/{}/offset", i), regs[i].at.offset);
        in.require_number(fmt::format("/registers/{}/width", i), regs[i].at.width);
    }
    in.read("/embedding/token", net.embedding.token);
    in.read("/embedding/position", net.embedding.position);
    std::size_t const n_layers = network_shape<std::remove_cvref_t<decltype(net)>>::distinct;
    in.require_array("/layers", n_layers);
    std::size_t k = 0;
    auto read_layer = [&](auto& layer) {
        std::string const at = fmt::format("/layers/{}", k++);
        in.require(at + "/name", layer.name);
        if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) {
            in.require(at + "/kind", "attention");
            in.read(at + "/wq", layer.wq), in.read(at + "/wk", layer.wk), in.read(at + "/wv", layer.wv);
            layer.score_scale = in.value(at + "/score_scale");
        } else {
            in.require(at + "/kind", "mlp");
            in.read(at + "/w1", layer.w1), in.read(at + "/b1", layer.b1), in.read(at + "/w2", layer.w2), in.read(at + "/b2", layer.b2);
        }
    };
    boost::hana::for_each(net.prologue, read_layer);
    boost::hana::for_each(net.body, read_layer);
    boost::hana::for_each(net.epilogue, read_layer);
    in.read("/unembed", net.unembed);
    M::dense = net;
    M::path = path;
}

/// Generation on a file's network: the reference forward pass for every prediction (a run-time
/// network has no compiled layers). An overflow of its arithmetic is the file's: an input_error.
template <weights_from_file Model>
generation<max_rows> generate_from_file(std::size_t digits, std::span<std::uint8_t const> prompt, std::size_t count) {
    try {
        return reference_generate<Model>(digits, prompt, count);
    } catch (overflow_error const& e) {
        throw input_error(fmt::format("--weights {}: the network's arithmetic leaves Q31.32 on this prompt ({})", Model::path, e.what()));
    }
}

}  // namespace ctformer::tools
