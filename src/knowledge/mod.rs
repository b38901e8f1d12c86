//! The knowledge layer: every domain fact gopherlint relies on, once, as a typed table or a
//! function with its source cited. Base images and Go toolchain images, Go releases and the
//! go command's reading of its flags, shells, OS package managers, users, well-known paths,
//! the programs rules recognise, and what common base images weigh. The model, the rules and `--show-model` read it; nothing
//! here depends on a Dockerfile.

pub mod conventions;
pub mod credentials;
pub mod downloads;
pub mod files;
pub mod go_command;
pub mod go_images;
pub mod go_linker;
pub mod go_modules;
pub mod go_release;
pub mod image_ref;
pub mod image_weights;
pub mod images;
pub mod network;
pub mod packages;
pub mod platforms;
pub mod relative_reads;
pub mod relative_writes;
pub mod shells;
pub mod tools;
pub mod users;
