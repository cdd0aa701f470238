# `cmake --build build --target format-check` fails when a source file differs from .clang-format;
# `--target format` rewrites them.
find_program(CLANG_FORMAT_PROGRAM NAMES clang-format clang-format-14)
if(CLANG_FORMAT_PROGRAM)
    file(GLOB_RECURSE _intrvio_sources CONFIGURE_DEPENDS
        ${PROJECT_SOURCE_DIR}/app/*.cpp ${PROJECT_SOURCE_DIR}/app/*.h
        ${PROJECT_SOURCE_DIR}/models/*.cpp ${PROJECT_SOURCE_DIR}/models/*.h
        ${PROJECT_SOURCE_DIR}/net/*.cpp ${PROJECT_SOURCE_DIR}/net/*.h
        ${PROJECT_SOURCE_DIR}/ui/*.cpp ${PROJECT_SOURCE_DIR}/ui/*.h
        ${PROJECT_SOURCE_DIR}/tests/*.cpp ${PROJECT_SOURCE_DIR}/tests/*.h)
    add_custom_target(format-check
        COMMAND ${CLANG_FORMAT_PROGRAM} --dry-run --Werror ${_intrvio_sources}
        WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} COMMENT "Checking formatting" VERBATIM)
    add_custom_target(format
        COMMAND ${CLANG_FORMAT_PROGRAM} -i ${_intrvio_sources}
        WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} COMMENT "Formatting sources" VERBATIM)
endif()
