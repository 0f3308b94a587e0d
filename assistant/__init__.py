"""Trợ lý đào tạo cán bộ — knowledge assistant over training regulations."""

__version__ = "0.1.0"
