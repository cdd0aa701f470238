# One INTERFACE target carries every compile setting; all targets link it.
add_library(intrvio_build_settings INTERFACE)
target_compile_features(intrvio_build_settings INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)
target_compile_options(intrvio_build_settings INTERFACE
    -Wall -Wextra -Wpedantic -Werror
    -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
target_compile_definitions(intrvio_build_settings INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    QT_NO_FOREACH
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    INTRVIO_VERSION="${PROJECT_VERSION}")
# INTRVIO_WITH_UI is set on intrvio_app only (app/CMakeLists.txt): the libraries compile the same
# in both configurations, so the compiler cache serves the second one.

# intrvio_add_test(<name> LIBS <libs...> [SOURCES extra.cpp] [ENV VAR=value...] [TIMEOUT s] [LABELS ...])
# Called from tests/<area>/CMakeLists.txt; adding tests/<area>/tst_<class>.cpp is one line there:
#   intrvio_add_test(tst_store LIBS intrvio_models)
# The ctest name is <area>/<name>; the executable is <area>_<name>.
function(intrvio_add_test name)
    cmake_parse_arguments(T "" "TIMEOUT" "LIBS;SOURCES;ENV;LABELS" ${ARGN})
    get_filename_component(area "${CMAKE_CURRENT_SOURCE_DIR}" NAME)
    set(target "${area}_${name}")
    add_executable(${target} ${name}.cpp ${T_SOURCES})
    target_link_libraries(${target} PRIVATE intrvio_build_settings intrvio_test_support Qt6::Test ${T_LIBS})
    add_test(NAME ${area}/${name} COMMAND ${target})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 120)
    endif()
    set_tests_properties(${area}/${name} PROPERTIES
        TIMEOUT ${T_TIMEOUT}
        LABELS "${area};${T_LABELS}"
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;INTRVIO_TEST_DATA=${PROJECT_SOURCE_DIR}/tests/data;INTRVIO_BINARY_DIR=${CMAKE_BINARY_DIR};${T_ENV}")
endfunction()
