// ctformer/detail/hana.hpp — the parts of Boost.Hana ctformer uses, instead of <boost/hana.hpp>:
// tuples (the sequence of differently-sized layers), maps of compile-time strings (registers),
// ranges and integral constants (layer slots). The whole library header costs every unit that
// includes ctformer about 0.2 s more of g++ to parse (docs/benchmarks.md, A consumer's proofs).
#pragma once

#include <boost/hana/at.hpp>
#include <boost/hana/at_key.hpp>
#include <boost/hana/concat.hpp>
#include <boost/hana/contains.hpp>
#include <boost/hana/core/to.hpp>
#include <boost/hana/equal.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/keys.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/minus.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/plus.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/size.hpp>
#include <boost/hana/string.hpp>
#include <boost/hana/transform.hpp>
#include <boost/hana/tuple.hpp>
