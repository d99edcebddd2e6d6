//! Copies the standard library modules listed in stdlib.txt from rustpython-pylib's Lib/ into
//! target-stdlib/, which src/main.rs freezes into the module: only what the programs need,
//! 2.7 MB of source instead of 12 (the module shrinks by 5 MB gzip). And exports wasi-libc's
//! malloc and free, which some WASI thread runtimes call.
use std::fs;
use std::path::Path;

fn main() {
    let lib = Path::new(rustpython_pylib::LIB_PATH);
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target-stdlib");
    let _ = fs::remove_dir_all(&out);
    let list = fs::read_to_string("stdlib.txt").expect("stdlib.txt");
    for file in list.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let to = out.join(file);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(lib.join(file), &to)
            .unwrap_or_else(|e| panic!("stdlib.txt names {file}, not in {}: {e}", lib.display()));
    }
    for file in fs::read_dir("py").unwrap() {
        let file = file.unwrap().path();
        fs::copy(&file, out.join(file.file_name().unwrap())).unwrap();
        // Each file by name: the folder alone did not always make cargo run this script again.
        println!("cargo:rerun-if-changed={}", file.display());
    }
    println!("cargo:rustc-link-arg-bins=--export=malloc");
    println!("cargo:rustc-link-arg-bins=--export=free");
    println!("cargo:rerun-if-changed=stdlib.txt");
    println!("cargo:rerun-if-changed=py");
    // build.sh's hash of py/ and stdlib.txt: the target directory is shared by every clone.
    println!("cargo:rerun-if-env-changed=PY_HARNESS");
}
