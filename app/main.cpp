#include "Application.h"

int main(int argc, char **argv)
{
    return intrvio::runMain(argc, argv);
}
