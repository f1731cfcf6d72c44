"""Reference Digital FTE service: consumes triggers through Dapr and reports every task.

The version below names the install directory on the hosts (role fte_service); bump it
with every change of the code.
"""

__version__ = "0.2.0"
