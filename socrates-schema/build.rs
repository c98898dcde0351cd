fn main() {
    schema_def::build::schema_crate(&[("down/auth", "down_auth.rs"), ("down/specs", "down_specs.rs")]);
}
