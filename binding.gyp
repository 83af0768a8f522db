{
  "targets": [
    {
      "target_name": "stresshm_native",
      "sources": [
        "native/address.cc",
        "native/binding.cc",
        "native/blast.cc",
        "native/clocks.cc",
        "native/encode_bench.cc",
        "native/envelope.cc",
        "native/fleet_spec.cc",
        "native/heartbeat_encoder.cc",
        "native/js_classes.cc",
        "native/msgpack_reader.cc",
        "native/packet_bound.cc",
        "native/py_json.cc",
        "native/send_counters.cc",
        "native/sender_threads.cc",
        "native/synthetic_fleet.cc",
        "native/udp_batch.cc",
        "native/udp_sink.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["<!(gcc -print-file-name=libz.a)"],
      "ldflags": ["-Wl,--exclude-libs,ALL", "-Wl,-Bsymbolic"],
      "comment": "OpenSSL comes from the node binary (it exports its symbols). zlib is the system's (zlib1g-dev), linked statically with its symbols local (--exclude-libs), so deflate is the one Python uses, not node's exported bundled zlib"
    }
  ]
}
