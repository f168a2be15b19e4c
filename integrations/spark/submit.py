"""The file to give spark-submit: `spark-submit ... submit.py run --rules ... --input ... --output ...`
(with vigie_spark on the Python path: `--py-files vigie_spark.zip`, or installed in the image)."""

import sys

from vigie_spark.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
