//! Pictures of the specs without external tools: the dependency graph laid out in layers
//! ([`layout`]) and drawn as SVG ([`svg`]), for `dag --format svg` and the site.

pub mod layout;
pub mod svg;
