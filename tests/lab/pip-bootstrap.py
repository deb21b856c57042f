# Stand-in for the pip bootstrap script ansible-test downloads from a host this machine cannot
# reach: install pip with ensurepip, then let it install what ansible-test asks for from PyPI.
import subprocess
import sys

subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
