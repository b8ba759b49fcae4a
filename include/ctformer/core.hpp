// ctformer/core.hpp — what proofs and generation need, and nothing more: the seed's adder, its
// compiled network, ctformer::add and generate, adds_correctly, the proofs by enumeration
// (proven<>, check_range) and the all-input proof (proven_for_all_inputs). It leaves out the
// checker's run-time machinery (ctformer/check/: its memo, heap and page tables), the reference
// path and the bounds analysis; ctformer/ctformer.hpp adds the last two.
#pragma once

#include "ctformer/model/addition.hpp"
#include "ctformer/model/subtraction.hpp"
#include "ctformer/model/multiplication.hpp"
#include "ctformer/model/network.hpp"
#include "ctformer/model/prompt.hpp"
#include "ctformer/proof/all_inputs.hpp"
#include "ctformer/proof/exhaustive.hpp"
#include "ctformer/runtime/generate.hpp"
