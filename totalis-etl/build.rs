fn main() {
    schema_def::build::schema_crate(&[("down", "down.rs")]);
}
