"""test-gen: pytest skeletons for the public functions and classes of Python modules."""

from .generator import ModuleSummary, generate_tests, summarize_module

__all__ = ["ModuleSummary", "generate_tests", "summarize_module"]
__version__ = "0.1.0"
