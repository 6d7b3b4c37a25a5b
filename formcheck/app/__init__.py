"""``formcheck app``: a local web app for the person exercising. A front-end package, like the
command line: the routine runs through the same live loop, engine, reports and history; the page
only shows what the coach decided and sends the buttons back."""
