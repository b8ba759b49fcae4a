// ctformer/ctformer.hpp — everything: the seed's adder as a constexpr fixed-point transformer.
#pragma once

#include "ctformer/numeric/fixed.hpp"
#include "ctformer/numeric/functions.hpp"
#include "ctformer/tensor/matrix.hpp"
#include "ctformer/model/registers.hpp"
#include "ctformer/model/layers.hpp"
#include "ctformer/model/instructions.hpp"
#include "ctformer/model/adder.hpp"
#include "ctformer/model/bounds.hpp"
#include "ctformer/model/prompt.hpp"
#include "ctformer/runtime/sequence.hpp"
#include "ctformer/runtime/reference.hpp"
#include "ctformer/runtime/check.hpp"
