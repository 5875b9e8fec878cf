"""Extensions, created without an app (bound in create_app)."""

from flask_compress import Compress
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy

from linli.accounts import ratelimit  # noqa: F401 - registers the database:// limit storage
from linli.db import Base, RoutingSession
from linli.errors import ProblemApi
from linli.openapi import LinliMarshmallowPlugin

db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
# Batch mode lets later migrations alter tables on SQLite too.
migrate = Migrate(render_as_batch=True, compare_type=True)
jwt = JWTManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Phones on patchy networks: the app shell, assets and JSON travel compressed.
compress = Compress()
api: Api = ProblemApi(spec_kwargs={"marshmallow_plugin": LinliMarshmallowPlugin()})
