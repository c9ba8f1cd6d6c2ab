"""Songnuan (送暖): the system a city's winter relief campaign runs on."""
