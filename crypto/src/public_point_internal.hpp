// PublicPoint's storage seen as libdecaf's point, for the public backend's implementation files.
#pragma once

#include <decaf/point_255.h>

#include "psephos/crypto/public_point.hpp"

namespace psephos::crypto::detail {

inline decaf_255_point_s* point_of(PublicPoint& p) {
    return static_cast<decaf_255_point_s*>(p.raw());
}
inline const decaf_255_point_s* point_of(const PublicPoint& p) {
    return static_cast<const decaf_255_point_s*>(p.raw());
}

// A canonical Scalar as libdecaf's scalar (written into out, which is returned).
decaf_255_scalar_t& to_decaf(const Scalar& scalar, decaf_255_scalar_t& out);

}  // namespace psephos::crypto::detail
